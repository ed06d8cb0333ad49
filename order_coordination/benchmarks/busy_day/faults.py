"""The busy day's faults, each recorded with when it struck and how long the site took to answer again; and
the live read replica some runs have (a second MariaDB on loopback replicating the site's database), made to
lag and then stopped.
"""

import json
import os
import signal
import subprocess
import time

from order_coordination.benchmarks.busy_day.processes import Bench, Supervisor, children, ping, wait_for


class Faults:
	"""The faults of the day, each recorded with when it struck and how long the site took to answer again."""

	def __init__(self, bench: Bench, supervisor: Supervisor, port: int, mariadb: bool):
		self.bench, self.supervisor, self.port, self.mariadb = bench, supervisor, port, mariadb
		self.log = []

	def strike(self, name: str, action):
		at = time.time()
		detail = action()
		back = wait_for(lambda: ping(self.port, self.bench.site), 300, "the site after " + name)
		self.log.append({"fault": name, "at": at, "detail": detail, "answering_again_after_s": back})

	def kill_web_worker(self):
		master = self.supervisor.pid_of("web")
		worker = children(master)[0]
		os.kill(int(worker), signal.SIGKILL)
		return f"gunicorn worker {worker} of {master}"

	def kill_job(self):
		"""kill -9 of a background worker's work horse in the middle of a job (the worker itself if no job
		runs within 30 s)."""
		deadline = time.time() + 30
		while time.time() < deadline:
			for name in ("worker-short-1", "worker-short-2", "worker-long"):
				horses = children(self.supervisor.pid_of(name))
				if horses:
					os.kill(int(horses[0]), signal.SIGKILL)
					return f"work horse {horses[0]} of {name}, mid-job"
			time.sleep(0.05)
		pid = self.supervisor.pid_of("worker-short-1")
		os.kill(pid, signal.SIGKILL)
		return f"worker {pid} (no job was running)"

	def restart_redis(self):
		done = []
		for conf in ("redis_queue.conf", "redis_cache.conf"):
			port = next(
				line.split()[1] for line in self.bench.conf(conf).splitlines() if line.startswith("port")
			)
			subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True)
			self.bench.run(f"redis-server config/{conf} --daemonize yes")
			wait_for(
				lambda p=port: (
					subprocess.run(["redis-cli", "-p", p, "ping"], capture_output=True).returncode == 0
				),
				60,
				"redis",
			)
			done.append(port)
		return f"redis on {', '.join(done)} restarted empty"

	def restart_mariadb(self):
		if not self.mariadb:
			return "skipped (--no-mariadb-fault)"
		subprocess.run(["service", "mariadb", "restart"], capture_output=True)
		return "mariadb restarted"


class Replica:
	"""A live read replica of the site's database: a second MariaDB on loopback (its own data directory and
	port) replicating the primary, the site pointed at it. The primary needs its binary log for that: a
	config file of ours turns it on (a restart of MariaDB), and is taken away again at the end."""

	PORT = 3307
	PRIMARY_CONF = "/etc/mysql/mariadb.conf.d/98-busy-day-replication.cnf"

	def __init__(self, bench: Bench, out: str, root_password: str):
		self.bench, self.root = bench, root_password
		self.dir = os.path.join(out, "replica")
		self.socket = os.path.join(self.dir, "mysqld.sock")
		self.proc = None
		with open(os.path.join(bench.path, "sites", bench.site, "site_config.json")) as f:
			self.site = json.load(f)

	def sql(self, statement: str, replica: bool = False) -> str:
		where = ["-S", self.socket] if replica else ["-h", "127.0.0.1", "-P", "3306"]
		done = subprocess.run(
			["mariadb", "-uroot", f"-p{self.root}", *where, "-N", "-e", statement],
			capture_output=True,
			text=True,
		)
		if done.returncode:
			raise SystemExit(f"{statement}: {done.stderr}")
		return done.stdout

	def start(self) -> None:
		db, user, password = (
			self.site["db_name"],
			self.site.get("db_user") or self.site["db_name"],
			self.site["db_password"],
		)
		with open(self.PRIMARY_CONF, "w") as f:
			f.write("[mysqld]\nserver_id = 1\nlog_bin = mysql-bin\nbinlog_format = ROW\n")
		subprocess.run(["service", "mariadb", "restart"], check=True, capture_output=True)
		self.sql(
			"CREATE USER IF NOT EXISTS 'busy_repl'@'127.0.0.1' IDENTIFIED BY 'busy_repl';"
			"GRANT REPLICATION SLAVE ON *.* TO 'busy_repl'@'127.0.0.1'"
		)
		os.makedirs(self.dir, exist_ok=True)
		subprocess.run(["chown", "-R", "mysql:mysql", self.dir], check=True)
		subprocess.run(
			[
				"mariadb-install-db",
				"--user=mysql",
				f"--datadir={self.dir}/data",
				"--auth-root-authentication-method=normal",
			],
			check=True,
			capture_output=True,
		)
		self.proc = subprocess.Popen(
			[
				"mariadbd",
				"--no-defaults",
				"--user=mysql",
				f"--datadir={self.dir}/data",
				f"--socket={self.socket}",
				f"--port={self.PORT}",
				"--bind-address=127.0.0.1",
				"--server-id=2",
				f"--replicate-do-db={db}",
				"--character-set-server=utf8mb4",
				"--collation-server=utf8mb4_unicode_ci",
				f"--pid-file={self.dir}/mysqld.pid",
				"--skip-log-bin",
				"--skip-name-resolve",
			],
			stdout=open(os.path.join(self.dir, "mysqld.log"), "a"),
			stderr=subprocess.STDOUT,
		)
		wait_for(lambda: os.path.exists(self.socket), 60, "the replica")
		time.sleep(1)
		subprocess.run(
			[
				"mariadb",
				"-uroot",
				"-S",
				self.socket,
				"-e",
				f"ALTER USER 'root'@'localhost' IDENTIFIED BY '{self.root}'",
			],
			capture_output=True,
		)
		self.sql(f"CREATE DATABASE `{db}`", replica=True)
		dump = subprocess.Popen(
			[
				"mariadb-dump",
				"-uroot",
				f"-p{self.root}",
				"-h",
				"127.0.0.1",
				"--single-transaction",
				"--master-data=1",
				db,
			],
			stdout=subprocess.PIPE,
		)
		subprocess.run(
			["mariadb", "-uroot", f"-p{self.root}", "-S", self.socket, db],
			stdin=dump.stdout,
			check=True,
			capture_output=True,
		)
		dump.wait()
		# The site's own user, allowed only to read: no write can ever reach the replica.
		self.sql(
			"".join(
				f"CREATE USER '{user}'@'{host}' IDENTIFIED BY '{password}'; GRANT SELECT ON `{db}`.* TO '{user}'@'{host}';"
				for host in ("%", "localhost", "127.0.0.1")
			)
			+ "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=3306, MASTER_USER='busy_repl', "
			"MASTER_PASSWORD='busy_repl'; START SLAVE",
			replica=True,
		)
		self.bench.bench(
			f"set-config replica_host 127.0.0.1 && bench --site {self.bench.site} set-config replica_db_port {self.PORT}"
		)
		self.bench.bench("set-config read_from_replica 1")

	def lag(self, seconds: int = 20) -> str:
		self.sql(f"STOP SLAVE; CHANGE MASTER TO MASTER_DELAY={seconds}; START SLAVE", replica=True)
		return f"replica delayed by {seconds} s"

	def stop(self) -> str:
		subprocess.run(
			["mariadb-admin", "-uroot", f"-p{self.root}", "-S", self.socket, "shutdown"], capture_output=True
		)
		if self.proc:
			self.proc.wait(timeout=120)
		return "replica stopped"

	def behind(self) -> str:
		status = self.sql("SHOW SLAVE STATUS\\G", replica=True)
		return next(
			(line.split(":")[1].strip() for line in status.splitlines() if "Seconds_Behind_Master" in line),
			"?",
		)

	def remove(self) -> None:
		"""Everything back as it was: the site reads the primary, the replica is gone, no binary log."""
		self.bench.bench("set-config read_from_replica 0", check=False)
		if self.proc and self.proc.poll() is None:
			self.stop()
		if os.path.exists(self.PRIMARY_CONF):
			os.remove(self.PRIMARY_CONF)
			subprocess.run(["service", "mariadb", "restart"], capture_output=True)
