import { readdirSync } from 'node:fs';

const NAME = /^events-(\d{4}-\d{2}-\d{2})\.ndjson$/;

/** The store's file for a day (UTC). */
export function storeFileName(date: Date): string {
  return `events-${date.toISOString().slice(0, 10)}.ndjson`;
}

/** The store's files in write order (by day). */
export function listStoreFiles(dir: string): string[] {
  let names: string[];
  try { names = readdirSync(dir); } catch { return []; }
  return names.filter((n) => NAME.test(n)).sort();
}

export function storeFileDay(name: string): string | null {
  const m = NAME.exec(name);
  return m ? m[1] : null;
}
