"""Authentication: Firebase ID tokens to the MyMONIT user they belong to."""
