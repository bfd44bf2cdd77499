// AWS binary event stream framing: placeholder until the Bedrock adapter lands.
