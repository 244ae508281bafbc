/** .evtx reader: pure TypeScript EVTX (Windows XML Event Log) decoding, streamed one chunk at a time, on worker threads or not. */
export { readEvtx } from './format/reader';
export type { EvtxReader } from './format/reader';
export type { EvtxRecord, EvtxStats, EvtxIssue, EvtxIssueKind, EvtxReadOptions } from './format/types';
export { serialiseXml } from './format/xml-serialise';
export { readProblems } from './format/read-problems';
export { evtxRecordDoc, EVTX_CHECKSUM_TAG } from './record-doc';
export { decodedChunks } from './decode/decoded-chunks';
export type { DecodedChunks, JobSpec } from './decode/decoded-chunks';
export { DecodePool, decodeWorkers } from './decode/decode-pool';
export type { WorkersSetting } from './decode/decode-pool';
