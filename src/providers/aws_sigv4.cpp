// AWS Signature Version 4: placeholder until the Bedrock adapter lands.
