/** A structural problem in EVTX data. Thrown inside the decoder only; the reader catches it per record/chunk. */
export class EvtxFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvtxFormatError';
  }
}

export function fail(message: string): never {
  throw new EvtxFormatError(message);
}
