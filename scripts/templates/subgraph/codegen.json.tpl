{
  "contextType": "../context.ts#{{Name}}Context",
  "mappers": {
    "Note": "../domain/note.ts#Note"
  }
}
