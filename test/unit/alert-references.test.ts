import { expect } from 'chai';
import { summaryRows } from '../../sinks/notify/view/alert-summary';
import { testAlert } from '../helpers/alert';

describe('alert summary: the rule\'s references', () => {
  it('shows them after the description when the rule has some, and nothing otherwise', () => {
    const labels = (refs?: string[]) => summaryRows(testAlert(refs ? { description: 'd', references: refs } : { description: 'd' })).map((r) => r.label);
    expect(labels(['https://example.org/a', 'https://example.org/b']).slice(0, 3)).to.deep.equal(['Rule', 'Description', 'References']);
    expect(labels()).to.not.include('References');
    const row = summaryRows(testAlert({ references: ['https://example.org/a', 'https://example.org/b'] })).find((r) => r.label === 'References');
    expect(row?.value).to.equal('https://example.org/a, https://example.org/b');
  });
});
