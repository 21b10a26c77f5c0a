"""Editor and CI files: clangd's compile commands, VS Code's tasks and
debug launch, the GitHub Classroom workflow, make test."""
