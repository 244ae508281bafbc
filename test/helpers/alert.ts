import type { Alert } from '../../rules/alerts/alert';

/** A firing alert as the rules engine makes it, with `over` replacing any field. */
export function testAlert(over: Partial<Alert> = {}): Alert {
  return {
    id: 'Abc123_alertid-XYZ0001',
    rule: 'failed-logon-burst',
    description: 'Many failed logons for one account',
    severity: 'high',
    state: 'firing',
    groupKey: '["bob"]',
    group: { 'winlog.event_data.TargetUserName': 'bob' },
    count: 23,
    reference: 20,
    window: { start: '2026-01-01T10:00:00.000Z', end: '2026-01-01T10:05:00.000Z' },
    first_event: '2026-01-01T10:00:03.000Z',
    last_event: '2026-01-01T10:04:59.000Z',
    fired_at: '2026-01-01T10:04:59.000Z',
    samples: Array.from({ length: 10 }, (_, i) => ({
      '@timestamp': `2026-01-01T10:04:${String(50 + i).padStart(2, '0')}.000Z`,
      'event.code': '4625',
      'host.name': 'dc1',
      message: `An account failed to log on (${i})`,
      'winlog.event_data.TargetUserName': 'bob',
    })),
    query: '(event.code: 4625 and winlog.channel: Security) and winlog.event_data.TargetUserName: "bob"',
    notify: ['ops-email'],
    tags: [],
    ...over,
  };
}
