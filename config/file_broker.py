"""The embedded default broker: kombu's filesystem transport, made safe for concurrent processes.

kombu's own `_put` creates the message file, then writes it; a worker listing the folder in
between takes an empty or half-written file, and its JSONDecodeError stops the worker for good
(kombu issue 1551). The same gap exists where it rewrites an exchange's binding table in place.
Here every file is written under a name no reader looks at, then renamed into place with
`os.replace`, which is atomic within one file system: a reader sees the whole file or none.

Taking a message is a rename into the processed folder (under the same broker folder, so the
same file system): of two consumers racing for one file, exactly one rename succeeds. kombu's
own `_get` moves to the system temporary folder, which may be another file system, where a move
is a copy that two consumers can both make.

Settings select this class with `CELERY_BROKER_TRANSPORT` while the URL stays `filesystem://`.
"""
import fcntl
import logging
import os
import uuid
from contextlib import contextmanager
from queue import Empty
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem, virtual
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)

# Files being written start with this; kombu's filter (`name.partition('.')[2] == '<queue>.msg'`) skips them.
PARTIAL = ".partial-"


def write_atomically(folder: str, name: str, data: bytes) -> None:
    """Write `data` to folder/name so that no reader ever sees part of it."""
    partial = os.path.join(folder, f"{PARTIAL}{uuid.uuid4().hex}")
    try:
        with open(partial, "wb") as handle:
            handle.write(data)
        os.replace(partial, os.path.join(folder, name))
    except OSError:
        try:
            os.unlink(partial)
        except OSError:
            pass
        raise


class Channel(filesystem.Channel):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Names listed but not yet taken, per queue: one listing serves many messages.
        self._listed: dict[str, list[str]] = {}

    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        try:
            write_atomically(self.data_folder_out, name, str_to_bytes(dumps(payload)))
        except OSError as exc:
            raise ChannelError(f"Cannot add a message to the queue {queue!r}") from exc

    def _candidates(self, queue) -> list[str]:
        listed = self._listed.get(queue)
        if not listed:
            suffix = f"{queue}.msg"
            listed = sorted(name for name in os.listdir(self.data_folder_in) if name.partition(".")[2] == suffix)
            listed.reverse()  # oldest last, so pop() takes it
            self._listed[queue] = listed
        return listed

    def _get(self, queue):
        listed = self._candidates(queue)
        while listed:
            name = listed.pop()
            taken = os.path.join(self.processed_folder, f"{uuid.uuid4().hex}-{name}")
            try:
                os.rename(os.path.join(self.data_folder_in, name), taken)
            except FileNotFoundError:
                continue  # another consumer took it
            except OSError as exc:
                raise ChannelError(f"Cannot take a message from the queue {queue!r}") from exc
            try:
                with open(taken, "rb") as handle:
                    payload = handle.read()
                message = loads(bytes_to_str(payload))
            except ValueError:
                # Only a writer from before this transport can leave such a file. Set it aside
                # instead of failing the worker on it at every start.
                broken = os.path.join(self.processed_folder, f"broken-{name}")
                os.replace(taken, broken)
                logger.error("Set aside an unreadable broker message: %s", broken)
                continue
            if self.store_processed:
                os.replace(taken, os.path.join(self.processed_folder, name))
            else:
                os.unlink(taken)
            return message
        raise Empty()

    def _purge(self, queue):
        self._listed.pop(queue, None)
        return super()._purge(queue)

    # The binding tables of exchanges (control folder): read whole, changed under a lock, replaced whole.

    @contextmanager
    def _table_lock(self, exchange):
        self.control_folder.mkdir(parents=True, exist_ok=True)
        path = self._exchange_file(exchange).with_suffix(".lock")
        with open(path, "ab") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def get_table(self, exchange):
        try:
            data = self._exchange_file(exchange).read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise ChannelError(f"Cannot read the bindings of exchange {exchange!r}") from exc
        return [filesystem.exchange_queue_t(*row) for row in loads(bytes_to_str(data))]

    def _write_table(self, exchange, rows) -> None:
        file = self._exchange_file(exchange)
        try:
            write_atomically(str(file.parent), file.name, str_to_bytes(dumps(rows)))
        except OSError as exc:
            raise ChannelError(f"Cannot write the bindings of exchange {exchange!r}") from exc

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        row = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        with self._table_lock(exchange):
            rows = self.get_table(exchange)
            if row not in rows:
                self._write_table(exchange, [row, *rows])

    def _delete(self, queue, exchange, routing_key, pattern, *args, **kwargs):
        # The virtual channel's bookkeeping only (kombu's filesystem override rewrites the table in place).
        virtual.Channel._delete(self, queue, exchange, routing_key, pattern, *args, **kwargs)
        row = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        with self._table_lock(exchange):
            rows = self.get_table(exchange)
            if row in rows:
                self._write_table(exchange, [r for r in rows if r != row])


class Transport(filesystem.Transport):
    Channel = Channel
    # State (declared exchanges) per class: not shared with kombu's own filesystem transport.
    global_state = virtual.BrokerState()
