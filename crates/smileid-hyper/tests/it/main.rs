//! smileid-hyper's integration tests, in one binary: the client against
//! local servers, and the transport's failure matrix.

mod client;
mod transport;
