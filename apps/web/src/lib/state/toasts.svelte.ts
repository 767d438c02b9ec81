export type ToastKind = "success" | "error" | "info";

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

const TIMEOUT_MS: Record<ToastKind, number> = { success: 5_000, info: 5_000, error: 9_000 };

/** Short-lived notices (ping results, saved, failed) shown in one polite live region. */
class Toasts {
  items = $state<Toast[]>([]);
  #nextId = 1;

  show(kind: ToastKind, message: string): void {
    const id = this.#nextId++;
    this.items.push({ id, kind, message });
    setTimeout(() => this.dismiss(id), TIMEOUT_MS[kind]);
  }

  success = (message: string) => this.show("success", message);
  error = (message: string) => this.show("error", message);
  info = (message: string) => this.show("info", message);

  dismiss(id: number): void {
    this.items = this.items.filter((toast) => toast.id !== id);
  }
}

export const toasts = new Toasts();
