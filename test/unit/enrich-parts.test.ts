import { expect } from 'chai';
import { enrichWindowsEvent } from '../../collectors/windows-event/enrich';
import { appendAllUnique, appendUnique, setField } from '../../collectors/windows-event/enrich/shared/doc-fields';
import { splitCommandLine } from '../../collectors/windows-event/enrich/shared/windows-args';
import { windowsPathParts } from '../../collectors/windows-event/enrich/shared/windows-path';
import { parseSysmonHashes } from '../../collectors/windows-event/enrich/sysmon/hashes';
import { registryData } from '../../collectors/windows-event/enrich/sysmon/registry-fields';
import { communityId } from '../../collectors/windows-event/enrich/sysmon/community-id';
import { parseQueryResults } from '../../collectors/windows-event/enrich/sysmon/dns-fields';
import { parseDetailLines } from '../../collectors/windows-event/enrich/powershell/detail-lines';
import { parseInvocationDetails } from '../../collectors/windows-event/enrich/powershell/invocation-details';
import { scriptBlockStats } from '../../collectors/windows-event/enrich/powershell/script-block-stats';
import type { EventDoc } from '../../src/core/event';

// The pieces of the Sysmon and PowerShell enrichment, on the inputs the sample files do not have.

describe('enrichment parts', () => {
  it('splits command lines as CommandLineToArgvW does (quotes, backslashes before quotes, doubled quotes)', () => {
    expect(splitCommandLine('"C:\\Program Files\\a.exe" -x  "y z"\t\'q\'')).to.deep.equal(['C:\\Program Files\\a.exe', '-x', 'y z', "'q'"]);
    expect(splitCommandLine('a\\\\\\"b')).to.deep.equal(['a\\"b']); // 3 backslashes + quote: one backslash, a literal quote
    expect(splitCommandLine('"a\\\\" b')).to.deep.equal(['a\\', 'b']); // 2 backslashes + quote: one backslash, the quote closes
    expect(splitCommandLine('C:\\dir\\x.exe')).to.deep.equal(['C:\\dir\\x.exe']); // backslashes not before a quote are literal
    // inside quotes `""` is one quote and ends the quoting (the pre-2008 rule); the next `"` opens it again
    expect(splitCommandLine('"a""b" c')).to.deep.equal(['a"b c']);
    expect(splitCommandLine('x ""')).to.deep.equal(['x', '']);
    expect(splitCommandLine('   ')).to.deep.equal([]);
  });

  it('splits like a character-by-character reading of the same rules, on 20,000 random command lines', () => {
    // the rules read one character at a time (slow, obvious): the reference for the sliced implementation
    const reference = (cmd: string): string[] => {
      const args: string[] = [];
      let i = 0;
      while (i < cmd.length) {
        while (cmd[i] === ' ' || cmd[i] === '\t') i++;
        if (i >= cmd.length) break;
        let arg = '', quoted = false, slashes = 0;
        for (; i < cmd.length; i++) {
          const c = cmd[i];
          if (c === '\\') { slashes++; continue; }
          if (c === '"') {
            arg += '\\'.repeat(Math.floor(slashes / 2));
            if (slashes % 2 === 1) arg += '"';
            else if (quoted && cmd[i + 1] === '"') { arg += '"'; i++; quoted = false; } else quoted = !quoted;
            slashes = 0;
            continue;
          }
          arg += '\\'.repeat(slashes);
          slashes = 0;
          if (!quoted && (c === ' ' || c === '\t')) break;
          arg += c;
        }
        args.push(arg + '\\'.repeat(slashes));
      }
      return args;
    };
    let seed = 7;
    const rand = (k: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % k; };
    const alphabet = ['a', 'b', ' ', '\t', '\\', '"'];
    for (let t = 0; t < 20000; t++) {
      let cmd = '';
      for (let len = rand(14); len > 0; len--) cmd += alphabet[rand(alphabet.length)];
      expect(splitCommandLine(cmd), JSON.stringify(cmd)).to.deep.equal(reference(cmd));
    }
  });

  it('cuts Windows paths into name, directory and extension', () => {
    expect(windowsPathParts('C:\\a.b\\file')).to.deep.equal({ name: 'file', directory: 'C:\\a.b', extension: undefined });
    expect(windowsPathParts('C:\\x\\archive.tar.gz')).to.deep.equal({ name: 'archive.tar.gz', directory: 'C:\\x', extension: 'gz' });
    expect(windowsPathParts('relative.txt')).to.equal(undefined);
  });

  it('reads Sysmon Hashes in lower case, leaving out empty and all-zero values', () => {
    expect(parseSysmonHashes('SHA1=AB12,MD5=,IMPHASH=00000000000000000000000000000000,SHA256=CD34')).to.deep.equal([['sha1', 'ab12'], ['sha256', 'cd34']]);
  });

  it('gives registry data a type and a decimal value', () => {
    expect(registryData('DWORD (0xffffffff)')).to.deep.equal({ strings: ['4294967295'], type: 'SZ_DWORD' });
    // QWORD: high 32 bits, low 32 bits → 0x00000001_00000002
    expect(registryData('QWORD (0x00000001-0x00000002)')).to.deep.equal({ strings: ['4294967298'], type: 'SZ_QWORD' });
    expect(registryData('Binary Data')).to.deep.equal({ strings: ['Binary Data'], type: 'REG_BINARY' });
    expect(registryData('%SystemRoot%\\x.dll')).to.deep.equal({ strings: ['%SystemRoot%\\x.dll'], type: 'REG_SZ' });
  });

  it('reads the hive of registry paths in the short, long and kernel forms', () => {
    const reg = (path: string): unknown => {
      const doc: EventDoc = { winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: 12, event_data: { TargetObject: path } } };
      return enrichWindowsEvent(doc).registry;
    };
    expect(reg('HKU\\S-1-5-18\\Run\\x')).to.deep.equal({ path: 'HKU\\S-1-5-18\\Run\\x', hive: 'HKU', key: 'S-1-5-18\\Run\\x', value: 'x' });
    expect(reg('HKEY_LOCAL_MACHINE\\SOFTWARE')).to.deep.equal({ path: 'HKEY_LOCAL_MACHINE\\SOFTWARE', hive: 'HKLM', key: 'SOFTWARE', value: 'SOFTWARE' });
    expect(reg('\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001\\Services\\x\\Start')).to.deep.equal({
      path: '\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001\\Services\\x\\Start', hive: 'HKLM', key: 'SYSTEM\\ControlSet001\\Services\\x\\Start', value: 'Start',
    });
    expect(reg('\\REGISTRY\\USER\\.DEFAULT\\Software')).to.include({ hive: 'HKU', key: '.DEFAULT\\Software' });
    expect(reg('\\REGISTRY\\A\\x')).to.deep.equal({ path: '\\REGISTRY\\A\\x', value: 'x' }); // an app hive: none
  });

  it('computes the Community ID of the specification\'s example flow, in either direction, and none without a transport it knows', () => {
    // the example of the public Community ID specification (corelight/community-id-spec)
    expect(communityId('128.232.110.120', 34855, '66.35.250.204', 80, 'tcp')).to.equal('1:LQU9qZlK+B5F3KDmev6m5PMibrg=');
    expect(communityId('66.35.250.204', 80, '128.232.110.120', 34855, 'TCP')).to.equal('1:LQU9qZlK+B5F3KDmev6m5PMibrg=');
    expect(communityId('::1', 1, '::ffff:10.0.0.1', 2, 'udp')).to.match(/^1:[A-Za-z0-9+/]{27}=$/);
    expect(communityId('10.0.0.1', 1, '::1', 2, 'udp')).to.equal(undefined); // mixed families
    expect(communityId('10.0.0.1', 1, '10.0.0.2', 2, 'icmp')).to.equal(undefined);
  });

  it('splits DNS query results into answers, addresses (IPv4-mapped ones as IPv4) and hosts', () => {
    const r = parseQueryResults('type:  5 f2.taboola.map.fastly.net;::ffff:151.101.66.2;::ffff:151.101.130.2;2a04:4e42::396;not-an-ip;');
    expect(r.answers).to.deep.equal([
      { type: 'CNAME', data: 'f2.taboola.map.fastly.net' },
      { type: 'A', data: '151.101.66.2' }, { type: 'A', data: '151.101.130.2' }, { type: 'AAAA', data: '2a04:4e42::396' },
    ]);
    expect(r.ips).to.deep.equal(['151.101.66.2', '151.101.130.2', '2a04:4e42::396']);
    expect(r.hosts).to.deep.equal(['f2.taboola.map.fastly.net']);
  });

  it('reads PowerShell Name=Value detail lines (blanks out of names, values trimmed, empty ones left out)', () => {
    expect(parseDetailLines('        Host Name = ConsoleHost\r\n        Script Name = \r\n        Command Line = a = b\r\nno equals here'))
      .to.deep.equal({ HostName: 'ConsoleHost', CommandLine: 'a = b' });
  });

  it('reads invocation details, keeping a line of another form as its value', () => {
    expect(parseInvocationDetails('CommandInvocation(Out-Null): "Out-Null"\r\nParameterBinding(Out-Null): name="InputObject"; value="x"\r\nsomething else\r\n'))
      .to.deep.equal([
        { type: 'CommandInvocation', related_command: 'Out-Null', value: '"Out-Null"' },
        { type: 'ParameterBinding', related_command: 'Out-Null', name: '"InputObject"', value: '"x"' },
        { value: 'something else' },
      ]);
  });

  it('reads a parameter binding as `name=(.+);\\s*value=(.+)$` would, in one pass even on a hostile line', () => {
    const reference = /name=(.+);\s*value=(.+)$/;
    let seed = 3;
    const rand = (k: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % k; };
    const parts = ['name=', '; value=', ';value=', ';  value=', 'x', ';', ' '];
    for (let t = 0; t < 5000; t++) {
      let tail = '';
      for (let len = rand(8); len > 0; len--) tail += parts[rand(parts.length)];
      const [got] = parseInvocationDetails(`ParameterBinding(C): ${tail}`);
      const m = reference.exec(tail.trim());
      const want = tail.trim() === '' ? { type: 'ParameterBinding', related_command: 'C' }
        : m ? { type: 'ParameterBinding', related_command: 'C', name: m[1], value: m[2] } : { value: tail.trim() };
      expect(got, JSON.stringify(tail)).to.deep.equal(want);
    }
    // 200,000 names and no value: read as text (the regular expression would backtrack for hours)
    const hostile = `ParameterBinding(C): ${'name='.repeat(200_000)}`;
    expect(parseInvocationDetails(hostile)).to.deep.equal([{ value: 'name='.repeat(200_000) }]);
  });

  it('appends long lists to related.* once each', () => {
    const doc: EventDoc = { related: { ip: ['10.0.0.1'] } };
    const many = Array.from({ length: 100_000 }, (_, i) => `10.0.${(i >> 8) & 255}.${i & 255}`);
    appendAllUnique(doc, 'related.ip', many);
    expect((doc.related as any).ip).to.have.length(65536);
    expect((doc.related as any).ip.slice(0, 3)).to.deep.equal(['10.0.0.1', '10.0.0.0', '10.0.0.2']);
  });

  it('measures a script block: entropy, surprisal deviation, length, symbols (by hand on "aab")', () => {
    // p(a) = 2/3, p(b) = 1/3: H = log2(3) - 2/3 bits; surprisals log2(3/2) and log2(3) around H: deviation √2/3
    const h = Math.log2(3) - 2 / 3;
    const s = scriptBlockStats('  aab\n') as NonNullable<ReturnType<typeof scriptBlockStats>>;
    expect(s.length).to.equal(3);
    expect(s.unique_symbols).to.equal(2);
    expect(s.entropy_bits).to.be.closeTo(h, 1e-12);
    expect(s.surprisal_stdev).to.be.closeTo(Math.SQRT2 / 3, 1e-12);
    expect(s.entropy_normalized).to.be.closeTo(h / Math.log2(3), 1e-12);
    // one repeated character: no entropy, no deviation
    expect(scriptBlockStats('zzzz')).to.deep.equal({ entropy_bits: 0, entropy_normalized: 0, surprisal_stdev: 0, length: 4, unique_symbols: 1 });
    // the signature block is not measured (the line break before it is: the text is trimmed before it is cut);
    // composed characters count once (NFC)
    expect(scriptBlockStats('aab\r\n# SIG # Begin signature block\r\n# MIIx…')?.length).to.equal(5);
    expect(scriptBlockStats('e\u0301e\u0301')).to.include({ length: 2, unique_symbols: 1 });
    // a block that only continues a signature, and an empty one, are not measured
    expect(scriptBlockStats(`# ${'A'.repeat(64)}\n# ${'B'.repeat(62)}==\n# more`)).to.equal(undefined);
    expect(scriptBlockStats('  \r\n')).to.equal(undefined);
  });

  it('never overwrites an object with a field, nor writes below a scalar', () => {
    const doc: EventDoc = { process: 'app', user: { name: { first: 'x' } } };
    setField(doc, 'process.pid', 5);
    setField(doc, 'user.name', 'bob');
    appendUnique(doc, 'process.args', 'a');
    expect(doc).to.deep.equal({ process: 'app', user: { name: { first: 'x' } } });
    appendUnique(doc, 'related.user', 'a');
    appendUnique(doc, 'related.user', 'a');
    expect(doc.related).to.deep.equal({ user: ['a'] });
  });

  it('leaves documents without winlog, and channels without a module, as they are; enriching twice changes nothing', () => {
    const plain: EventDoc = { message: 'x', process: { pid: 1 } };
    expect(enrichWindowsEvent(structuredClone(plain))).to.deep.equal(plain);
    // a channel without a module gets what every Windows event gets (the all-channel stage), nothing more
    const other: EventDoc = { winlog: { channel: 'Application', event_id: 1000, event_data: { Image: 'C:\\x.exe' } } };
    expect(enrichWindowsEvent(structuredClone(other))).to.deep.equal({ ...other, host: { os: { type: 'windows', family: 'windows' } } });
    const sysmon: EventDoc = {
      event: { code: '1' },
      winlog: {
        channel: 'Microsoft-Windows-Sysmon/Operational', event_id: '1', user: { identifier: 'S-1-5-18' },
        event_data: { Image: 'C:\\a\\b.exe', CommandLine: 'b.exe -x', User: 'D\\u', Hashes: 'MD5=AA', RuleName: '-' },
      },
    };
    const once = enrichWindowsEvent(structuredClone(sysmon));
    expect((once.process as any).name).to.equal('b.exe');
    expect(enrichWindowsEvent(structuredClone(once))).to.deep.equal(once);
  });
});
