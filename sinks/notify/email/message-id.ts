/**
 * The Message-ID of a notification: derived from its outbox key only, so the same notification sent
 * again (after a crash in the middle of a send) carries the same id and mail systems or people can
 * drop the repeat. Outbox keys hold only [A-Za-z0-9_.-], which is valid on the left of a Message-ID.
 */
export function messageIdFor(outboxKey: string): string {
  return `<${outboxKey}@vigil>`;
}
