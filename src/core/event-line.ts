/**
 * One event as one NDJSON line, its id first: `{"_id":"…","@timestamp":…}` from the document's JSON
 * text `body`. What the local event store, the disk spool and `vigil evtx` write (sinks/spool/record-line.ts
 * serialises through it; the .evtx decode workers build their lines with it, away from the sinks).
 */
export function eventLine(id: string, body: string): string {
  return body.length > 2 ? `{"_id":${JSON.stringify(id)},${body.slice(1)}\n` : `{"_id":${JSON.stringify(id)}}\n`;
}
