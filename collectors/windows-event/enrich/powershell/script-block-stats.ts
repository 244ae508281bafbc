/**
 * How random a script block's text looks, as Elastic's Windows integration measures it for the
 * prebuilt rules that look for obfuscated PowerShell (`powershell.file.script_block_entropy_bits >= 5.5`,
 * `script_block_surprisal_stdev`, `script_block_length`): over the UTF-16 code units of the text, trimmed,
 * without its Authenticode signature block (`# SIG # Begin signature block` to the end) and in Unicode
 * NFC form:
 * - entropy_bits: Shannon entropy, −Σ p·log2 p over the distinct characters (p = count / length);
 * - surprisal_stdev: standard deviation of the surprisal −log2 p over all characters;
 * - entropy_normalized: the entropy over log2(length), the most a text of that length could have, in 0..1;
 * - length, unique_symbols.
 * A block that is only the continuation of a signature (its second line a 64-character base64 line after
 * `# `) is not measured. Undefined when there is nothing to measure.
 */
export interface ScriptBlockStats {
  entropy_bits: number;
  entropy_normalized: number;
  surprisal_stdev: number;
  length: number;
  unique_symbols: number;
}

const SIGNATURE = '# SIG # Begin signature block';

function isSignatureContinuation(text: string): boolean {
  const firstEnd = text.indexOf('\n');
  if (firstEnd <= 0) return false;
  let secondEnd = text.indexOf('\n', firstEnd + 1);
  if (secondEnd < 0) secondEnd = text.length;
  const line = text.slice(firstEnd + 1, secondEnd).replace(/\r$/, '');
  return /^# ?[A-Za-z0-9+/=]{64}$/.test(line);
}

// one count per UTF-16 code unit, kept between calls (the codes seen are reset after each text)
const counts = new Uint32Array(65536);
const NON_ASCII = /[^\u0000-\u007f]/;

export function scriptBlockStats(scriptBlock: string): ScriptBlockStats | undefined {
  let text = scriptBlock.trim();
  const sig = text.indexOf(SIGNATURE);
  if (sig >= 0) text = text.slice(0, sig);
  if (text.length === 0 || isSignatureContinuation(text)) return undefined;
  if (NON_ASCII.test(text)) text = text.normalize('NFC');
  const length = text.length;
  const seen: number[] = [];
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (counts[c]++ === 0) seen.push(c);
  }
  let entropy = 0;
  for (const c of seen) { const p = counts[c] / length; entropy -= p * Math.log2(p); }
  let variance = 0;
  for (const c of seen) {
    const p = counts[c] / length;
    const d = -Math.log2(p) - entropy;
    variance += p * d * d;
    counts[c] = 0;
  }
  const normalized = length > 1 ? Math.min(1, Math.max(0, entropy / Math.log2(length))) : 0;
  return {
    entropy_bits: entropy === 0 ? 0 : entropy,
    entropy_normalized: normalized,
    surprisal_stdev: Math.sqrt(Math.max(0, variance)),
    length,
    unique_symbols: seen.length,
  };
}
