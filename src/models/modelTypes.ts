/** What the VS Code side knows of models: the one model-info type, and the model status. */
import type { ResultOf } from '../host/protocol';

/**
 * A model loaded in the model host: the host's `model/load` answer (its id in the host, its
 * figures, the device it actually runs on) and where it came from.
 */
export interface ModelInfo extends ResultOf<'model/load'> {
  /** What the user or the settings named: a folder, `builtin:NAME` or a Hub id. */
  spec: string;
  /** Its folder on disk. */
  dir: string;
  /** The Hub id when it came from the Hub. */
  repoId?: string;
}

/** What the model status bar item and the model commands report (returned to tests). */
export interface ModelState {
  active: ModelInfo | undefined;
  /** The spec being loaded right now, if any. */
  loading: string | undefined;
  /** Process id of the running model host, if one runs. */
  hostPid: number | undefined;
  /** The status bar item's text and tooltip as shown. */
  statusBar: { text: string; tooltip: string; visible: boolean };
}
