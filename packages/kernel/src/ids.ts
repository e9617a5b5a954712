import { v7, validate } from 'uuid';

/** Time-ordered UUIDs (v7) for every primary key: index-friendly and sortable by creation. */
export const newId = (): string => v7();

export const isUuid = (value: string): boolean => validate(value);
