"""What a caller may see and change: only their own boards and pins, and secret ones only with
the ``*_secret`` scopes. Anything else answers "not found", never revealing that it exists.
"""

from __future__ import annotations

from pinsmith.sandbox.auth import Caller, require_scopes
from pinsmith.sandbox.entities import Board, Pin, Section
from pinsmith.sandbox.errors import Problem, SandboxError
from pinsmith.sandbox.state import Sandbox


def sees_board(caller: Caller, board: Board) -> bool:
    if board.owner_id != caller.user.id:
        return False
    return board.privacy != "SECRET" or caller.has("boards:read_secret")


def sees_pin(caller: Caller, sandbox: Sandbox, pin: Pin) -> bool:
    board = sandbox.board(pin.board_id)
    if pin.owner_id != caller.user.id or board is None or not sees_board(caller, board):
        return False
    return board.privacy != "SECRET" or caller.has("pins:read_secret")


def visible_board(caller: Caller, sandbox: Sandbox, board_id: str) -> Board:
    board = sandbox.board(board_id)
    if board is None or not sees_board(caller, board):
        raise SandboxError(Problem.BOARD_NOT_FOUND)
    return board


def writable_board(caller: Caller, sandbox: Sandbox, board_id: str) -> Board:
    board = visible_board(caller, sandbox, board_id)
    if board.privacy == "SECRET":
        require_scopes(caller, "boards:write_secret")
    return board


def visible_section(sandbox: Sandbox, board: Board, section_id: str) -> Section:
    section = sandbox.section(section_id)
    if section is None or section.board_id != board.id:
        raise SandboxError(Problem.SECTION_NOT_FOUND)
    return section


def visible_pin(caller: Caller, sandbox: Sandbox, pin_id: str) -> Pin:
    pin = sandbox.pin(pin_id)
    if pin is None or not sees_pin(caller, sandbox, pin):
        raise SandboxError(Problem.PIN_NOT_FOUND)
    return pin


def writable_pin(caller: Caller, sandbox: Sandbox, pin_id: str) -> Pin:
    pin = visible_pin(caller, sandbox, pin_id)
    board = sandbox.board(pin.board_id)
    if board is not None and board.privacy == "SECRET":
        require_scopes(caller, "pins:write_secret")
    return pin
