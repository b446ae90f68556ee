"""Sites: headquarters and facilities a unit holds, with their land, floor area and status."""
