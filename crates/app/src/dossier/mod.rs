//! Dossiers (hồ sơ): the use cases of the one-stop desk, moving here from `motcua-web` one by
//! one (issue 17). So far: the work queue.

pub mod queue;
