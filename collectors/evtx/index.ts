/** .evtx reader: pure TypeScript EVTX (Windows XML Event Log) decoding, streamed one chunk at a time. */
export { readEvtx } from './format/reader';
export type { EvtxReader } from './format/reader';
export type { EvtxRecord, EvtxStats, EvtxIssue, EvtxIssueKind, EvtxReadOptions } from './format/types';
export { serialiseXml } from './format/xml-serialise';
export { readProblems } from './format/read-problems';
export { evtxRecordDoc, EVTX_CHECKSUM_TAG } from './record-doc';
