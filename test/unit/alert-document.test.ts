import { expect } from 'chai';
import { alertChangeId, alertDocument } from '../../sinks/elasticsearch/alerts/alert-document';
import { outboxKey } from '../../sinks/notify/outbox/alert-outbox';
import { testAlert } from '../helpers/alert';

describe('alert document (the alerts data stream)', () => {
  it('is an alert change in ECS and vigil.alert fields, timed by its firing', () => {
    const a = testAlert({ samples: [{ '@timestamp': '2026-01-01T10:04:59.000Z', 'host.name': 'dc1', _id: 'ev-1' }, { 'host.name': 'dc1', 'event.id': 'ev-2' }] });
    const d = alertDocument(a, { observer: 'runner-1' }) as any;
    expect(d['@timestamp']).to.equal('2026-01-01T10:04:59.000Z');
    expect(d.event).to.deep.equal({ kind: 'alert', dataset: 'vigil.alerts' });
    expect(d.data_stream).to.deep.equal({ type: 'logs', dataset: 'vigil.alerts', namespace: 'default' });
    expect(d.host).to.deep.equal({ name: 'dc1' }); // all samples share it
    expect(d.observer).to.deep.equal({ name: 'runner-1' });
    expect(d.vigil.alert.change_id).to.equal('Abc123_alertid-XYZ0001-firing');
    expect(d.vigil.alert.group_values).to.deep.equal(['winlog.event_data.TargetUserName=bob']);
    expect(d.vigil.alert.group).to.deep.equal({ winlog_event_data_TargetUserName: 'bob' });
    expect(d.vigil.alert.sample_event_ids).to.deep.equal(['ev-1', 'ev-2']);
    expect(d.vigil.alert.silenced).to.equal(false);
    expect(d.message).to.equal('failed-logon-burst firing for winlog.event_data.TargetUserName=bob: 23 events');
  });

  it('a resolved change has its own id and is timed by its resolution; host.name of the group wins, else the writer', () => {
    const a = testAlert({ state: 'resolved', resolved_at: '2026-01-01T10:30:00.000Z', group: { 'host.name': 'web-3' }, samples: [{ 'host.name': 'x' }, { 'host.name': 'y' }] });
    expect(alertChangeId(a)).to.equal('Abc123_alertid-XYZ0001-resolved');
    const d = alertDocument(a, { observer: 'runner-1' }) as any;
    expect(d['@timestamp']).to.equal('2026-01-01T10:30:00.000Z');
    expect(d.host.name).to.equal('web-3');
    const noHost = alertDocument(testAlert({ group: {}, samples: [{ 'host.name': 'x' }, { 'host.name': 'y' }] }), { observer: 'runner-1', silenced: true }) as any;
    expect(noHost.host.name).to.equal('runner-1'); // samples from two hosts: none of them
    expect(noHost.vigil.alert.silenced).to.equal(true);
  });

  it('the delivery key is the outbox key', () => {
    expect(outboxKey(testAlert(), 'ops email')).to.equal('Abc123_alertid-XYZ0001-firing-ops_email');
  });
});
