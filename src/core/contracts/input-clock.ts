/**
 * How an input that reads a shared store (the Elasticsearch input of a fleet runner) drives the rules'
 * event time by its own progress, in the runner's wall-clock time rather than in the hosts' clocks.
 */
export interface InputClock {
  /**
   * The input drives event time: from now on, event time moves only as far as every such input has
   * reported progress (none yet: it waits), and no longer by the idle rule of file inputs.
   */
  follow(input: string): void;
  /**
   * Every event the store had taken before `atMs` (this process's wall clock) has been passed to the
   * pipeline, hence counted by the rules. Reports that go back are ignored.
   */
  progress(input: string, atMs: number): void;
}
