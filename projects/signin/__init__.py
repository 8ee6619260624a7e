"""One limit on failed sign-ins for every way in (web, admin), enforced where passwords are checked."""
