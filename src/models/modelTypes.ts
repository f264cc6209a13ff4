/** What the VS Code side knows of models: the host's `model/load` answer and the active model. */
import type { ResultOf } from '../host/protocol';

/** The result of the host's `model/load`: the model's id in the host, its figures, the device it actually runs on. */
export type LoadedModelInfo = ResultOf<'model/load'>;

/** The model the commands work with, loaded in the model host. */
export interface ActiveModel extends LoadedModelInfo {
  /** What the user chose: a folder or a Hub id (the `model` setting). */
  spec: string;
  /** Its folder on disk. */
  dir: string;
  /** The Hub id when it came from the Hub. */
  repoId?: string;
}

/** What the model status bar item and the model commands report (returned to tests). */
export interface ModelState {
  active: ActiveModel | undefined;
  /** The spec being loaded right now, if any. */
  loading: string | undefined;
  /** Process id of the running model host, if one runs. */
  hostPid: number | undefined;
  /** The status bar item's text and tooltip as shown. */
  statusBar: { text: string; tooltip: string; visible: boolean };
}
