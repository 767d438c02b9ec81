import { auth, endApiSession, startApiSession, type SessionUser } from "$lib/api";

/** Who is signed in. Checked once per page load with `GET /me`, then kept up to date by login/logout. */
class Session {
  user = $state<SessionUser | null>(null);
  checked = $state(false);
  /** Viewers read only; admins and operators may change tenants. */
  readonly canMutate = $derived(this.user?.role === "admin" || this.user?.role === "operator");

  async ensure(): Promise<SessionUser | null> {
    if (!this.checked) {
      this.user = await auth.currentUser();
      this.checked = true;
    }
    return this.user;
  }

  signedIn(user: SessionUser): void {
    startApiSession();
    this.user = user;
    this.checked = true;
  }

  /** Stops every signed-in call at once (in flight and to come), then forgets the user. */
  signedOut(): void {
    endApiSession();
    this.user = null;
    this.checked = true;
  }
}

export const session = new Session();
