import { auth, type Permission, type SessionUser } from "$lib/api";

/** Who is signed in. Checked once per page load with `GET /me`, then kept up to date by login/logout. */
class Session {
  user = $state<SessionUser | null>(null);
  checked = $state(false);
  /**
   * @deprecated Use `can(permission)`: roles are sets of permissions now, and a custom role is none
   * of the old three. Kept for code written before permissions; true when the user may edit content.
   */
  readonly canMutate = $derived(this.can("content.edit"));

  /** Whether the hub lets the signed-in user do this: the UI offers only what they may do. */
  can(permission: Permission): boolean {
    return this.user?.permissions.includes(permission) ?? false;
  }

  async ensure(): Promise<SessionUser | null> {
    if (!this.checked) {
      this.user = await auth.currentUser();
      this.checked = true;
    }
    return this.user;
  }

  signedIn(user: SessionUser): void {
    this.user = user;
    this.checked = true;
  }

  signedOut(): void {
    this.user = null;
    this.checked = true;
  }
}

export const session = new Session();
