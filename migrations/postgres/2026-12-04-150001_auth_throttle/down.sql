DROP TABLE auth_throttle;
