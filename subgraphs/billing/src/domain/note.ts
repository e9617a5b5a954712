/** A note as the domain knows it: no row shapes, no GraphQL types. */
export interface Note {
  readonly id: string;
  readonly organizationId: string;
  readonly text: string;
  readonly createdAt: Date;
}

/** A parsed, authorised request to add a note. */
export interface AddNote {
  readonly organizationId: string;
  readonly text: string;
}
