/**
 * Small prebuilt rules in the shape of elastic/detection-rules' TOML files (a [metadata] and a [rule]
 * table), with the fields the import reads: one per kind of rule the import converts or refuses.
 */
export const ELASTIC_RULE_FIXTURES: Record<string, string> = {
  'defense_evasion_clearing_windows_event_logs.toml': `
[metadata]
creation_date = "2020/02/18"
integration = ["system", "windows"]
maturity = "production"

[rule]
author = ["Elastic"]
description = """
Identifies attempts to clear Windows event log stores. This is often done by attackers in an attempt
to evade detection or destroy forensic evidence on a system.
"""
from = "now-9m"
index = ["winlogbeat-*", "logs-system.*", "logs-windows.*"]
language = "kuery"
license = "Elastic License v2"
name = "Windows Event Logs Cleared"
references = ["https://example.org/event-1102", "https://example.org/event-104"]
risk_score = 21
rule_id = "45ac4800-840f-414c-b221-53dd36a5aaf7"
severity = "low"
tags = ["Domain: Endpoint", "OS: Windows", "Tactic: Defense Evasion"]
timestamp_override = "event.ingested"
type = "query"

query = '''
host.os.type:windows and event.action:("audit-log-cleared" or "Log clear") and
  not winlog.provider_name:"AD FS Auditing"
'''

[[rule.threat]]
framework = "MITRE ATT&CK"
`,
  'credential_access_multiple_logon_failures.toml': `
[metadata]
maturity = "production"

[rule]
description = "Many failed logons from one source address within the rule's lookback."
from = "now-9m"
index = ["winlogbeat-*", "logs-system.security*"]
language = "kuery"
name = "Multiple Logon Failures from the same Source Address"
rule_id = "48b6edfc-079d-4907-b43c-baffa243270d"
severity = "medium"
type = "threshold"
exceptions_list = [{ id = "endpoint_list", list_id = "endpoint_list", namespace_type = "agnostic", type = "endpoint" }]
query = '''
event.category:authentication and winlog.event_id:4625 and not user.name:(ANONYMOUS* or "-")
'''

[rule.threshold]
field = ["source.ip"]
value = 20
`,
  'initial_access_entra_id_guest_invite.toml': `
[metadata]
maturity = "production"

[rule]
description = "An external guest user was invited."
index = ["logs-azure.auditlogs-*"]
language = "kuery"
name = "Entra ID External Guest User Invited"
rule_id = "141e9b3a-ff37-4756-989d-05d7cbf35b0e"
severity = "high"
type = "query"
query = '''
data_stream.dataset:azure.auditlogs and azure.auditlogs.properties.target_resources.*.display_name:guest and
gcp.deltas:{ action: "ADD" and role: roles/* }
'''

[rule.alert_suppression]
group_by = ["user.name"]
duration = { value = 5, unit = "m" }
`,
  'password_spray_threshold_cardinality.toml': `
[rule]
name = "Password Spray"
rule_id = "aa"
type = "threshold"
language = "kuery"
query = "event.outcome: failure"
[rule.threshold]
field = ["source.ip"]
value = 10
[[rule.threshold.cardinality]]
field = "user.name"
value = 5
`,
  'sequence_eql.toml': `
[rule]
name = "Some EQL Sequence"
type = "eql"
language = "eql"
query = "sequence by host.id [process where true] [network where true]"
`,
  'logon_counts_esql.toml': `
[rule]
name = "Some ES|QL Rule"
type = "esql"
language = "esql"
query = "from logs-* | stats count(*) by host.name"
`,
  'rare_process_new_terms.toml': `
[rule]
name = "First Time Seen Process"
type = "new_terms"
language = "kuery"
query = "event.category:process"
`,
  'ml_anomaly.toml': `
[rule]
name = "Unusual Process"
type = "machine_learning"
`,
  'lucene_query.toml': `
[rule]
name = "A Lucene Query"
type = "query"
language = "lucene"
query = "process.name:cmd.exe"
`,
  'broken.toml': `
[rule]
name = "Broken"
type = "query
`,
};
