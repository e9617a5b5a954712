/** The time source. Production uses the wall clock; tests move time to cross validity dates and price starts. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
