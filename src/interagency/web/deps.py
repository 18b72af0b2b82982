"""Dependencies shared by every feature's routes, as `Annotated` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.web.templating import Renderer

# Dependencies that only read the request are coroutines: FastAPI runs a plain function
# in its thread pool, and a hop there and back costs more than such a dependency itself.


def container_of(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


async def get_container(request: Request) -> Container:
    return container_of(request)


def get_uow(request: Request) -> Iterator[UnitOfWork]:
    """The request's unit of work, made once a request and shared by authentication and the
    route: the route commits it when its work succeeds; otherwise it is rolled back when
    the request ends (`auth.resolve_principal` says what authentication keeps)."""
    with container_of(request).uow() as uow:
        yield uow


async def get_renderer(request: Request) -> Renderer:
    renderer: Renderer = request.app.state.renderer
    return renderer


ContainerDep = Annotated[Container, Depends(get_container)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]
RendererDep = Annotated[Renderer, Depends(get_renderer)]
