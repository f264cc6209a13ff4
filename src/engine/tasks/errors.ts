/** A one-line problem with what a task was asked to do (text too long, unknown layer, no model there). */
export class TaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskError';
  }
}
