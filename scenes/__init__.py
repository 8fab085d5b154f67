"""The bundled demo scenes; ``framehost scenes`` lists them, ``framehost run NAME`` runs one."""
