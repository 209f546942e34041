"""Running the clinic's server: backups and restore, the deploy checks, the text-message
backends."""
