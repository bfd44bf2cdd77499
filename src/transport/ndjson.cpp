// Newline-delimited JSON framing: placeholder until the Ollama adapter lands.
