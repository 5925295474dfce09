"""Turn the contract the client sent back into negotiation rounds and located findings."""
