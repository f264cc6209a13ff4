/** A one-line problem building a model's graph from its config and checkpoint (unsupported option, missing or misshapen tensor). */
import { oneLine } from '../errorText';

export class GraphBuildError extends Error {
  constructor(message: string) {
    super(oneLine(message));
    this.name = 'GraphBuildError';
  }
}
