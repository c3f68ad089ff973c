// Tests are added in this folder.
