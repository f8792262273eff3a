use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    aiguillage::cli::main(std::env::args().skip(1).collect()).await
}
