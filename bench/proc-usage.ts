/** What a child process has used, read from /proc (Linux), for the benches' peers. */
import { readFileSync } from 'node:fs';

/** utime + stime of a process so far, in seconds (clock ticks of 1/100 s) */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** the process's peak resident set (VmHWM), in MB */
export function peakRssMbOf(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
