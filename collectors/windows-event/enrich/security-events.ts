/**
 * ECS categorisation of Security channel events, as Winlogbeat's security module sets it: for each event
 * id, `event.category`, `event.type` and `event.action` (Winlogbeat's action names, so Kibana's
 * dashboards and Elastic's rules that test them match). One line per id: id, categories, types, action.
 */
const TABLE = `
1100 process end logging-service-shutdown
1102 iam admin,change audit-log-cleared
1104 iam admin logging-full
1105 iam admin auditlog-archieved
1108 iam admin logging-processing-error
4610 configuration access authentication-package-loaded
4611 configuration change trusted-logon-process-registered
4614 configuration access notification-package-loaded
4616 configuration change system-time-changed
4622 configuration access security-package-loaded
4624 authentication start logged-in
4625 authentication start logon-failed
4634 authentication end logged-out
4647 authentication end logged-out
4648 authentication start logged-in-explicit
4657 registry,configuration change registry-value-modified
4670 iam,configuration admin,change permissions-changed
4672 iam admin logged-in-special
4673 iam admin privileged-service-called
4674 iam admin privileged-operation
4688 process start created-process
4689 process end exited-process
4697 iam,configuration admin,change service-installed
4698 iam,configuration creation,admin scheduled-task-created
4699 iam,configuration deletion,admin scheduled-task-deleted
4700 iam,configuration change,admin scheduled-task-enabled
4701 iam,configuration change,admin scheduled-task-disabled
4702 iam,configuration change,admin scheduled-task-updated
4706 configuration creation domain-trust-added
4707 configuration deletion domain-trust-removed
4713 configuration change kerberos-policy-changed
4714 configuration change encrypted-data-recovery-policy-changed
4715 configuration change object-audit-policy-changed
4716 configuration change trusted-domain-information-changed
4717 iam,configuration admin,change system-security-access-granted
4718 iam,configuration admin,deletion system-security-access-removed
4719 iam,configuration admin,change changed-audit-config
4720 iam user,creation added-user-account
4722 iam user,change enabled-user-account
4723 iam user,change changed-password
4724 iam user,change reset-password
4725 iam user,deletion disabled-user-account
4726 iam user,deletion deleted-user-account
4727 iam group,creation added-group-account
4728 iam group,change added-member-to-group
4729 iam group,change removed-member-from-group
4730 iam group,deletion deleted-group-account
4731 iam group,creation added-group-account
4732 iam group,change added-member-to-group
4733 iam group,change removed-member-from-group
4734 iam group,deletion deleted-group-account
4735 iam group,change modified-group-account
4737 iam group,change modified-group-account
4738 iam user,change modified-user-account
4739 configuration change domain-policy-changed
4740 iam user,change locked-out-user-account
4741 iam creation,admin added-computer-account
4742 iam change,admin changed-computer-account
4743 iam deletion,admin deleted-computer-account
4744 iam group,creation added-distribution-group-account
4745 iam group,change changed-distribution-group-account
4746 iam group,change added-member-to-distribution-group
4747 iam group,change removed-member-from-distribution-group
4748 iam group,deletion deleted-distribution-group-account
4749 iam group,creation added-distribution-group-account
4750 iam group,change changed-distribution-group-account
4751 iam group,change added-member-to-distribution-group
4752 iam group,change removed-member-from-distribution-group
4753 iam group,deletion deleted-distribution-group-account
4754 iam group,creation added-group-account
4755 iam group,change modified-group-account
4756 iam group,change added-member-to-group
4757 iam group,change removed-member-from-group
4758 iam group,deletion deleted-group-account
4759 iam group,creation added-distribution-group-account
4760 iam group,change changed-distribution-group-account
4761 iam group,change added-member-to-distribution-group
4762 iam group,change removed-member-from-distribution-group
4763 iam group,deletion deleted-distribution-group-account
4764 iam group,change type-changed-group-account
4767 iam user,change unlocked-user-account
4768 authentication start kerberos-authentication-ticket-requested
4769 authentication start kerberos-service-ticket-requested
4770 authentication start kerberos-service-ticket-renewed
4771 authentication start kerberos-preauth-failed
4776 authentication start credential-validated
4778 authentication,session start session-reconnected
4779 authentication,session end session-disconnected
4781 iam user,change renamed-user-account
4798 iam user,info group-membership-enumerated
4799 iam group,info user-member-enumerated
4817 iam,configuration admin,change object-audit-changed
4902 iam,configuration admin,creation user-audit-policy-created
4904 iam,configuration admin,change security-event-source-added
4905 iam,configuration admin,deletion security-event-source-removed
4906 iam,configuration admin,change crash-on-audit-changed
4907 iam,configuration admin,change audit-setting-changed
4908 iam,configuration admin,change special-group-table-changed
4912 iam,configuration admin,change per-user-audit-policy-changed
4950 configuration change windows-firewall-setting-changed
4954 configuration change windows-firewall-group-policy-changed
4964 iam admin,group logged-in-special
5024 process start windows-firewall-service-started
5025 process end windows-firewall-service-stopped
5033 driver start windows-firewall-driver-started
5034 driver end windows-firewall-driver-stopped
5037 driver end windows-firewall-driver-error
`;

export interface SecurityEventKind {
  category: string[];
  type: string[];
  action: string;
}

const KINDS = new Map<string, SecurityEventKind>();
for (const line of TABLE.split('\n')) {
  const f = line.trim().split(' ');
  if (f.length !== 4) continue;
  KINDS.set(f[0], { category: f[1].split(','), type: f[2].split(','), action: f[3] });
}

/** The categorisation of a Security event id (as text: `'4624'`), or undefined for ids Winlogbeat leaves alone. */
export function securityEventKind(code: string): SecurityEventKind | undefined {
  return KINDS.get(code);
}
