/** .evtx reader: pure TypeScript EVTX (Windows XML Event Log) decoding, streamed one chunk at a time. */
export { readEvtx } from './reader';
export type { EvtxReader } from './reader';
export type { EvtxRecord, EvtxStats, EvtxIssue, EvtxIssueKind, EvtxReadOptions } from './types';
export { serialiseXml } from './xml-serialise';
export { readProblems } from './read-problems';
