/** The foot-name rule, one place for every part that picks feet by name (contacts, metrics, foot bodies). */
export const FOOT_NAME = /ankle_roll|foot/i;

/** A body named like an ankle-roll link or a foot. */
export const isFootName = (name: string): boolean => FOOT_NAME.test(name);
