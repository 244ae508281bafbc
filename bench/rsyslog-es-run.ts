/**
 * rsyslog into Elasticsearch, the Elasticsearch benchmark's peer: imfile reading a file of documents,
 * mmjsonparse parsing each line, omelasticsearch (Debian's rsyslog-elasticsearch) posting them with
 * `_bulk` (bulkmode on, `create` with an id made of the line's offset, batches of up to 1000 taken by
 * 2 worker threads of the action's queue: 1000 documents a request, 2 requests in flight, as Vigil and
 * the bare loop). Done when Elasticsearch has taken (indexed or refused) as many documents as the
 * file has lines, read from the target's indexing stats every 50 ms (which, unlike `_count`, need no refresh).
 */
import { join } from 'node:path';
import { esJson } from './bench-es';
import { rsyslogRun, type PeerRun } from './rsyslog-run';

function config(docs: string, url: URL, target: string, work: string): string {
  return [
    `global(workDirectory="${work}" maxMessageSize="1m")`,
    'module(load="imfile" mode="inotify")',
    'module(load="mmjsonparse")',
    'module(load="omelasticsearch")',
    'main_queue(queue.type="FixedArray" queue.size="50000" queue.dequeueBatchSize="1000")',
    // the document as parsed, without the file metadata imfile adds (kept aside for the id)
    'template(name="doc" type="list") { property(name="$!all-json-plain") }',
    'template(name="docid" type="list") { constant(value="bench.") property(name="$.offset") }',
    'ruleset(name="bench") {',
    '  action(type="mmjsonparse" cookie="" useRawMsg="on")',
    '  set $.offset = $!metadata!fileoffset;',
    '  unset $!metadata;',
    `  action(type="omelasticsearch" server="${url.hostname}" serverport="${url.port || '9200'}" usehttps="off" searchIndex="${target}"`,
    '    template="doc" bulkmode="on" writeoperation="create" bulkid="docid" dynbulkid="on" esversion.major="8"',
    `    errorfile="${join(work, 'es-errors.json')}"`,
    '    queue.type="LinkedList" queue.size="50000" queue.dequeueBatchSize="1000" queue.workerThreads="2" action.resumeRetryCount="-1")',
    '}',
    `input(type="imfile" file="${docs}" tag="bench" freshStartTail="off" addMetadata="on" ruleset="bench")`,
    '',
  ].join('\n');
}

/** Documents Elasticsearch has handled for `target` so far: indexed plus refused. */
async function handled(url: string, target: string): Promise<number> {
  try {
    const r = await esJson<{ _all?: { primaries?: { indexing?: { index_total?: number; index_failed?: number } } } }>(url, 'GET',
      `/${encodeURIComponent(target)}/_stats/indexing?filter_path=_all.primaries.indexing`);
    const ix = r._all?.primaries?.indexing;
    return (ix?.index_total ?? 0) + (ix?.index_failed ?? 0);
  } catch {
    return 0; // not created yet
  }
}

/**
 * Runs rsyslogd over `docs` (a file of `lines` documents) into `target` (set up by the caller) in the folder
 * `work`, until Elasticsearch has handled every document.
 */
export async function rsyslogEsRun(bin: string, docs: string, lines: number, url: string, target: string, work: string): Promise<PeerRun> {
  return rsyslogRun(bin, work, (w) => config(docs, new URL(url), target, w), async () => (await handled(url, target)) >= lines, 50);
}
