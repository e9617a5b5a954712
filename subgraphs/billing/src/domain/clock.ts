/** The time source. Production uses the wall clock; tests move time across period ends instead of sleeping. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
