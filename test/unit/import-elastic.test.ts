import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { importElasticRules } from '../../rules/offline';
import { ELASTIC_RULE_FIXTURES } from '../helpers/elastic-rule-fixtures';

const files = (...names: string[]) => names.map((file) => ({ file, text: ELASTIC_RULE_FIXTURES[file] }));

describe('importing Elastic prebuilt rules', function () {
  it('turns a KQL query rule into a pattern rule with id, severity, description, references and tags', function () {
    const r = importElasticRules(files('defense_evasion_clearing_windows_event_logs.toml'));
    expect(r).to.deep.include({ converted: 1, skipped: [], errors: [], notes: [] });
    const yaml = parseYaml(r.yaml) as { rules: unknown[] };
    expect(yaml.rules).to.deep.equal([{
      id: 'windows-event-logs-cleared',
      type: 'pattern',
      where: 'host.os.type:windows and event.action:("audit-log-cleared" or "Log clear") and\n  not winlog.provider_name:"AD FS Auditing"',
      description: 'Identifies attempts to clear Windows event log stores. This is often done by attackers in an attempt\nto evade detection or destroy forensic evidence on a system.',
      references: ['https://example.org/event-1102', 'https://example.org/event-104'],
      severity: 'low',
      tags: ['Domain: Endpoint', 'OS: Windows', 'Tactic: Defense Evasion'],
    }]);
    // the name, the source and Elastic's index patterns are kept as a comment
    expect(r.yaml).to.include('# Windows Event Logs Cleared\n');
    expect(r.yaml).to.include('rule_id 45ac4800-840f-414c-b221-53dd36a5aaf7');
    expect(r.yaml).to.include('Elastic reads it from winlogbeat-*, logs-system.*, logs-windows.*');
  });

  it('turns a threshold rule into a threshold rule: group_by its fields, the lookback as window', function () {
    const r = importElasticRules(files('credential_access_multiple_logon_failures.toml'));
    const rule = (parseYaml(r.yaml) as { rules: Array<Record<string, unknown>> }).rules[0];
    expect(rule).to.deep.include({ id: 'multiple-logon-failures-from-the-same-source-address', type: 'threshold', group_by: ['source.ip'], threshold: 20, window: '9m', severity: 'medium' });
    expect(r.notes).to.deep.equal([{ file: 'credential_access_multiple_logon_failures.toml', note: 'its 1 exception list(s) live in Kibana and are not converted' }]);
  });

  it('keeps field patterns and nested groups, and turns alert suppression into group_by and realert', function () {
    const r = importElasticRules(files('initial_access_entra_id_guest_invite.toml'));
    const rule = (parseYaml(r.yaml) as { rules: Array<Record<string, unknown>> }).rules[0];
    expect(rule).to.deep.include({ type: 'pattern', group_by: ['user.name'], realert: '5m', severity: 'high' });
    expect(rule.where).to.include('target_resources.*.display_name:guest');
  });

  it('reports each rule it cannot convert with the reason, and files that are not rules', function () {
    const r = importElasticRules(files('password_spray_threshold_cardinality.toml', 'sequence_eql.toml', 'logon_counts_esql.toml',
      'rare_process_new_terms.toml', 'ml_anomaly.toml', 'lucene_query.toml', 'broken.toml'));
    expect(r.converted).to.equal(0);
    expect(r.yaml).to.equal('');
    const why = Object.fromEntries(r.skipped.map((s) => [s.file, s.reason]));
    expect(why['password_spray_threshold_cardinality.toml']).to.match(/^a threshold with cardinality \(distinct user\.name\)/);
    expect(why['sequence_eql.toml']).to.match(/^an EQL rule/);
    expect(why['logon_counts_esql.toml']).to.match(/^an ES\|QL rule/);
    expect(why['rare_process_new_terms.toml']).to.match(/^a new terms rule/);
    expect(why['ml_anomaly.toml']).to.match(/^a machine learning rule/);
    expect(why['lucene_query.toml']).to.match(/its query is in lucene/);
    expect(r.errors).to.have.length(1);
    expect(r.errors[0]).to.match(/^broken\.toml: TOML syntax error at line 4/);
  });

  it('gives distinct ids to rules with the same name', function () {
    const a = ELASTIC_RULE_FIXTURES['defense_evasion_clearing_windows_event_logs.toml'];
    const r = importElasticRules([{ file: 'a.toml', text: a }, { file: 'b.toml', text: a.replace('45ac4800', '99ff0000') }]);
    const ids = (parseYaml(r.yaml) as { rules: Array<{ id: string }> }).rules.map((x) => x.id);
    expect(ids).to.deep.equal(['windows-event-logs-cleared', 'windows-event-logs-cleared-99ff0000']);
  });
});
