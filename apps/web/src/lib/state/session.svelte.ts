import { auth, endApiSession, startApiSession, type Permission, type SessionUser } from "$lib/api";

/** Who is signed in. Checked once per page load with `GET /me`, then kept up to date by login/logout. */
class Session {
  user = $state<SessionUser | null>(null);
  checked = $state(false);

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
