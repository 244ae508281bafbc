/**
 * rsyslog over an NDJSON file into a file, the store benchmark's peer: imfile reading the file, mmjsonparse
 * parsing each line, omfile writing the parsed JSON, one line per line (batches of 1024 off its main queue,
 * each batch one write of a 256 KB buffer: as a production config would). Done when the output holds as
 * many lines as the input.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rsyslogRun, type PeerRun } from './rsyslog-run';

function config(file: string, out: string, work: string): string {
  return [
    `global(workDirectory="${work}" maxMessageSize="1m")`,
    'module(load="imfile" mode="inotify")',
    'module(load="mmjsonparse")',
    // tuned as a production config would be: large batches off the main queue, buffered writes
    'main_queue(queue.type="FixedArray" queue.size="50000" queue.dequeueBatchSize="1024")',
    'template(name="json" type="list") { property(name="$!all-json") constant(value="\\n") }',
    'ruleset(name="bench") {',
    '  action(type="mmjsonparse" cookie="" useRawMsg="on")',
    `  action(type="omfile" file="${out}" template="json" ioBufferSize="256k")`,
    '}',
    `input(type="imfile" file="${file}" tag="bench" freshStartTail="off" ruleset="bench")`,
    '',
  ].join('\n');
}

/** Counts the lines of a growing file: only the bytes new since the last look are read. */
class LineCounter {
  private buf = Buffer.allocUnsafe(1 << 20);
  private offset = 0;
  lines = 0;
  constructor(private path: string) {}
  look(): number {
    if (!existsSync(this.path) || statSync(this.path).size <= this.offset) return this.lines;
    const fd = openSync(this.path, 'r');
    try {
      for (;;) {
        const n = readSync(fd, this.buf, 0, this.buf.length, this.offset);
        if (n === 0) break;
        this.offset += n;
        for (let i = this.buf.indexOf(10); i >= 0 && i < n; i = this.buf.indexOf(10, i + 1)) this.lines++;
      }
    } finally {
      closeSync(fd);
    }
    return this.lines;
  }
}

/** Runs rsyslogd over `file` (which has `lines` lines) in the folder `work` until it has written them all. */
export async function rsyslogFileRun(bin: string, file: string, lines: number, work: string): Promise<PeerRun> {
  const out = join(work, 'out.json');
  const counter = new LineCounter(out);
  return rsyslogRun(bin, work, (w) => config(file, out, w), () => counter.look() >= lines);
}
