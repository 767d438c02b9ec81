import { errorMessage } from "$lib/api";

/**
 * A page's load of its data on opening: whether it arrived and why not, for `LoadGate`. A failed
 * load leaves `loaded` false, so the page shows the failure alone and offers nothing built on it.
 */
export class PageLoad {
  loaded = $state(false);
  error = $state<string | null>(null);

  async run(load: () => Promise<unknown>): Promise<void> {
    try {
      await load();
      this.loaded = true;
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    }
  }
}
