extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@inaccessible"])

"ISO-8601 date and time, UTC."
scalar DateTime

"An example entity of the {{name}} subgraph, owned by one organisation. Rename it to yours."
type Note @key(fields: "id") {
  id: ID!
  organizationId: ID!
  text: String!
  createdAt: DateTime!
}

input AddNoteInput {
  organizationId: ID!
  "1 to 2000 characters."
  text: String!
}

type Query {
  "A note of an organisation you can see; NOT_FOUND otherwise."
  note(id: ID!): Note!
}

type Mutation {
  "Needs the MEMBER role on the organisation."
  addNote(input: AddNoteInput!): Note!
}
