import { PASSWORD_MAX, PASSWORD_MIN } from "@canopy/api/limits";

export interface PasswordErrors {
  password?: string;
  repeat?: string;
}

/** What we can tell before asking the hub: long enough (the hub's own minimum), typed the same twice. */
export function checkNewPassword(password: string, repeat: string): PasswordErrors {
  const errors: PasswordErrors = {};
  if (password.length < PASSWORD_MIN) errors.password = `Use at least ${PASSWORD_MIN} characters.`;
  else if (password.length > PASSWORD_MAX) errors.password = `Use at most ${PASSWORD_MAX} characters.`;
  if (!errors.password && password !== repeat) errors.repeat = "The two passwords are not the same.";
  return errors;
}
