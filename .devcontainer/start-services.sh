#!/usr/bin/env bash
# Starts the services Osprey's tests talk to inside the dev container (run on every container start):
# PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and MariaDB on 127.0.0.1:3306 (root, no password).
set -euo pipefail

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  sudo pg_ctlcluster "$(ls /etc/postgresql | head -1)" main start
fi

if ! mariadb-admin --host=127.0.0.1 --user=root ping >/dev/null 2>&1; then
  sudo mkdir -p /run/mysqld && sudo chown mysql:mysql /run/mysqld
  sudo start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 1 40); do
    sudo mariadb-admin ping >/dev/null 2>&1 && break
    sleep 0.5
  done
  # Debian's root signs in through the Unix socket only; the tests connect over TCP without a password.
  sudo mariadb -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');"
fi

for _ in $(seq 1 40); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.5; done
echo "PostgreSQL: $(pg_isready -h 127.0.0.1 -p 5432) | MariaDB: $(mariadb-admin --host=127.0.0.1 --user=root ping 2>&1)"
